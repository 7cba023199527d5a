"""The evaluation's figures (PNG): training curves, latent space and codebook, feature histograms, blending."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402

from stylevae.model.evaluation import features  # noqa: E402

CURVES = (("valid_recon", "validation reconstruction (nats/phrase)"), ("valid_kl", "validation KL of z_c (nats)"),
          ("valid_accuracy", "validation accuracy (teacher-forced)"),
          ("valid_free_running_accuracy", "validation accuracy (free-running)"))


def pca_2d(points: np.ndarray) -> np.ndarray:
    """points (n, d) -> their projection on the two main principal axes (n, 2)."""
    centred = points - points.mean(0)
    if len(points) < 2:
        return np.zeros((len(points), 2))
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    projected = centred @ axes[:2].T
    return np.pad(projected, ((0, 0), (0, 2 - projected.shape[1])))


def colours(n: int) -> list:
    cmap = plt.get_cmap("tab10")
    return [cmap(i % 10) for i in range(n)]


def training_curves(histories: dict[str, list[dict] | None], path: Path) -> Path | None:
    runs = {name: h for name, h in histories.items() if h}
    if not runs:
        return None
    fig, axes = plt.subplots(1, len(CURVES), figsize=(5 * len(CURVES), 3.6))
    for ax, (key, title) in zip(axes, CURVES):
        for name, history in runs.items():
            steps = [h["step"] for h in history if key in h]
            ax.plot(steps, [h[key] for h in history if key in h], marker=".", label=name)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("training step")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def latent_space(
    latents: dict[str, np.ndarray], labels: np.ndarray, codebooks: dict[str, np.ndarray], styles: list[str], path: Path
) -> Path:
    """Posterior means of z_c (PCA to 2-D) coloured by style per model, then each StyleVAE's codebook."""
    panels = [(name, "z_c means", mu) for name, mu in latents.items()]
    panels += [(name, "style codebook", book) for name, book in codebooks.items()]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels), 4.2), squeeze=False)
    palette = colours(len(styles))
    for ax, (name, what, points) in zip(axes[0], panels):
        projected = pca_2d(points)
        if what == "style codebook":
            for s, style in enumerate(styles):
                ax.scatter(*projected[s], color=palette[s], s=80)
                ax.annotate(style, projected[s], fontsize=8, xytext=(4, 4), textcoords="offset points")
        else:
            for s, style in enumerate(styles):
                mine = labels == s
                ax.scatter(projected[mine, 0], projected[mine, 1], s=4, alpha=0.5, color=palette[s], label=style)
            ax.legend(fontsize=7, markerscale=3)
        ax.set_title(f"{name}: {what} (PCA)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def feature_histograms(
    name: str, real: dict[int, dict], generated: dict[int, dict], styles: list[str], path: Path
) -> Path:
    """Rows: styles; columns: features; real test phrases (bars) against generated ones (line)."""
    names = list(features.FEATURES)
    fig, axes = plt.subplots(len(styles), len(names), figsize=(3.0 * len(names), 1.9 * len(styles)), squeeze=False)
    for s, style in enumerate(styles):
        for c, feature in enumerate(names):
            ax = axes[s, c]
            a, b = real[s][feature], generated[s][feature]
            if len(a) and len(b):
                edges = features.integer_bins(a, b)
                ax.stairs(features.histogram(a, edges), edges, fill=True, alpha=0.5, label="real")
                ax.stairs(features.histogram(b, edges), edges, color="C1", label="generated")
                ax.set_title(f"OA {features.overlapping_area(a, b):.2f}", fontsize=8, pad=2)
            if s == 0:
                ax.text(0.5, 1.25, feature, transform=ax.transAxes, ha="center", fontsize=9)
            if c == 0:
                ax.set_ylabel(style, fontsize=8)
            ax.set_yticks([])  # densities: the shapes matter, not the numbers (and ticks are most of the drawing time)
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4, integer=True))
            ax.tick_params(labelsize=6)
    axes[0, 0].legend(fontsize=6)
    fig.suptitle(f"{name}: feature distributions, real test vs generated (OA = overlapping area)", fontsize=10,
                 y=1 - 0.12 / fig.get_figheight())
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.03, top=1 - 0.95 / fig.get_figheight(), hspace=0.45, wspace=0.2)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def blending(metrics: dict, path: Path) -> Path:
    a, b = metrics["blend_styles"]
    fig, ax = plt.subplots(figsize=(6, 4))
    for (name, entry), colour in zip(metrics["models"].items(), colours(len(metrics["models"]))):
        rows = entry["blend"]["rows"]
        w = [r["weight_b"] for r in rows]
        ax.plot(w, [r["p_a"] for r in rows], marker="o", color=colour, label=f"{name}: P({a})")
        ax.plot(w, [r["p_b"] for r in rows], marker="s", linestyle="--", color=colour, label=f"{name}: P({b})")
    ax.set_xlabel(f"weight of {b} (1 − weight of {a})")
    ax.set_ylabel("classifier's mean probability")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7)
    ax.set_title(f"Blending {a} → {b}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def draw_all(
    out: Path,
    metrics: dict,
    histories: dict[str, list[dict] | None],
    latents: dict[str, np.ndarray],
    latent_labels: np.ndarray,
    generated_samples: dict[str, dict[int, dict]],
    real_samples: dict[int, dict],
) -> list[Path]:
    """Draws every figure into out/; returns the files written."""
    styles = metrics["data"]["styles"]
    codebooks = {n: np.array(e["codebook"]) for n, e in metrics["models"].items() if "codebook" in e}
    written = [
        training_curves(histories, out / "training_curves.png"),
        latent_space(latents, latent_labels, codebooks, styles, out / "latent_space.png"),
        blending(metrics, out / "blending.png"),
    ]
    for name, generated in generated_samples.items():
        written.append(feature_histograms(name, real_samples, generated, styles, out / f"features_{name}.png"))
    return [p for p in written if p is not None]


def listening(
    folder: Path, streams: dict[str, dict[int, np.ndarray]], styles: list[str], vocab, phrase_steps: int, per_style: int
) -> list[Path]:
    """A listening aid: the first ``per_style`` streams of each model and style as MIDI files, and one piano-roll
    PNG per model (rows: styles) with the phrase borders marked."""
    from stylevae.model.data.midi_io import write_midi
    from stylevae.model.data.tokens import tokens_to_notes

    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for model_name, by_style in streams.items():
        fig, axes = plt.subplots(len(styles), per_style, figsize=(7 * per_style, 1.6 * len(styles)), squeeze=False)
        for s, style in enumerate(styles):
            for k in range(per_style):
                notes = tokens_to_notes(by_style[s][k], vocab)
                write_midi(folder / f"{model_name}_{style}_{k + 1}.mid", notes)
                ax = axes[s][k]
                for n in notes:
                    ax.add_patch(plt.Rectangle((n.start, n.pitch - 0.4), n.end - n.start, 0.8, color="tab:blue"))
                length = len(by_style[s][k])
                for border in range(0, length + 1, phrase_steps):
                    ax.axvline(border, color="0.8", lw=0.6)
                pitches = [n.pitch for n in notes] or [60]
                ax.set_xlim(0, length)
                ax.set_ylim(min(pitches) - 2, max(pitches) + 2)
                ax.set_yticks([])
                ax.set_xticks([])
                if k == 0:
                    ax.set_ylabel(style, rotation=0, ha="right", va="center", fontsize=8)
        fig.suptitle(f"{model_name}: 16-bar streams as the daemon plays them (grey lines: phrase borders)", fontsize=9)
        fig.tight_layout()
        path = folder / f"{model_name}_piano_rolls.png"
        fig.savefig(path, dpi=80)
        plt.close(fig)
        made.append(path)
    return made
