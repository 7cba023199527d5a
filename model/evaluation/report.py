"""The evaluation's ``report.md``: tables of metrics.json and plain statements of which model wins."""

from __future__ import annotations

import math

from stylevae.model.evaluation.features import FEATURE_UNITS, FEATURES
from stylevae.model.evaluation.musicality import STANDARD_ERRORS, beyond_noise

MAIN, BASELINE, ABLATION = "stylevae", "baseline", "no_mu"


def fmt(value, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return lines + [""]


def standard_error(p: float, n: int) -> float:
    return math.sqrt(max(p * (1 - p), 1e-12) / max(n, 1))


def verdict(
    what: str, a: str, b: str, va: float | None, vb: float | None, n: int | None = None, tolerance: float = 0.0
) -> str:
    """One sentence: which of two models scores higher on a metric, or that the difference is within noise.

    For a proportion measured on n items, a difference under two standard errors (of the difference) is
    called no clear winner; otherwise a difference up to ``tolerance`` is.
    """
    if va is None or vb is None:
        return f"- **{what}**: not measured for both {a} and {b}."
    noise = 2 * math.sqrt(standard_error(va, n) ** 2 + standard_error(vb, n) ** 2) if n else tolerance
    if abs(va - vb) <= noise:
        why = f"within 2 standard errors, n={n}" if n else f"difference ≤ {fmt(tolerance)}"
        return f"- **{what}**: no clear winner ({a} {fmt(va)} vs {b} {fmt(vb)}; {why})."
    winner, loser, vw, vl = (a, b, va, vb) if va > vb else (b, a, vb, va)
    return f"- **{what}**: **{winner}** wins ({fmt(vw)} vs {loser} {fmt(vl)})."


def summary(metrics: dict) -> list[str]:
    models = metrics["models"]
    lines = ["## Summary", ""]
    if MAIN not in models:
        return lines + ["No model named `stylevae` was evaluated, so there is no comparison.", ""]
    main = models[MAIN]
    lines += targets(main, models.get(BASELINE), metrics)
    if BASELINE not in models:
        lines += [f"Only `{MAIN}` was evaluated: give `--baseline` for the comparison the paper claims.", ""]
    if BASELINE in models:
        base = models[BASELINE]
        n_gen = main["generation"]["n"]
        n_rec = main["reconstruction"]["phrases"] * metrics["data"]["steps"]
        lines += [
            f"StyleVAE (`{MAIN}`) against the label-conditioned baseline (`{BASELINE}`):",
            "",
            verdict("style of generated phrases (classifier's balanced accuracy)", MAIN, BASELINE,
                    main["generation"]["balanced_accuracy"], base["generation"]["balanced_accuracy"], n_gen),
            verdict("restyle: output judged as the target style", MAIN, BASELINE,
                    main["restyle"]["target_accuracy"], base["restyle"]["target_accuracy"], main["restyle"]["pairs"]),
            verdict("restyle: rhythm kept (onset agreement)", MAIN, BASELINE,
                    main["restyle"]["rhythm_agreement"], base["restyle"]["rhythm_agreement"], main["restyle"]["pairs"]),
            verdict("restyle: contour kept (pitch correlation)", MAIN, BASELINE,
                    main["restyle"]["contour_correlation"], base["restyle"]["contour_correlation"], tolerance=0.05),
            verdict("feature distributions (mean overlapping area over styles and features)", MAIN, BASELINE,
                    mean_overlap(main), mean_overlap(base), tolerance=0.02),
            verdict("free-running reconstruction accuracy", MAIN, BASELINE,
                    main["reconstruction"]["free_running_accuracy"], base["reconstruction"]["free_running_accuracy"],
                    n_rec),
            verdict("blending: the classifier's P(B) rises from w=0 to w=1 by", MAIN, BASELINE,
                    blend_swing(main), blend_swing(base), tolerance=0.05),
            "",
            *explanations(main, base),
        ]
    if ABLATION in models:
        ablation = models[ABLATION]
        if ablation["facts"]["beta_mu"] not in (0, 0.0, None):
            lines += [f"**Note**: `{ABLATION}` was trained with β_μ = {ablation['facts']['beta_mu']}, not 0.", ""]
        lines += [
            f"μ-forcing (`{MAIN}`, β_μ = {fmt(main['facts']['beta_mu'])}) against the same model without it "
            f"(`{ABLATION}`, β_μ = {fmt(ablation['facts']['beta_mu'])}):",
            "",
            verdict("active units of z_c", MAIN, ABLATION, main["reconstruction"]["active_units"],
                    ablation["reconstruction"]["active_units"]),
            verdict("KL of z_c (nats; higher = the code carries more)", MAIN, ABLATION,
                    main["reconstruction"]["kl"], ablation["reconstruction"]["kl"], tolerance=0.1),
            verdict("free-running reconstruction accuracy", MAIN, ABLATION,
                    main["reconstruction"]["free_running_accuracy"],
                    ablation["reconstruction"]["free_running_accuracy"],
                    main["reconstruction"]["phrases"] * metrics["data"]["steps"]),
            "",
        ]
    return lines


def met(value: float | None, goal: float) -> str:
    return "not measured" if value is None else ("met" if value >= goal else "**missed**")


STREAM_MEASURES = (
    ("out_of_key", "8-bar windows out of key"),
    ("same_scale", "consecutive phrases in the same scale (equal best scales)"),
    ("joint_fit", "consecutive phrases that fit one scale together"),
    ("border_leap", "mean leap at phrase borders (semitones)"),
    ("inner_leap", "mean leap inside phrases (semitones)"),
    ("notes_per_bar", "notes per bar"),
    ("repetition", "phrases that nearly repeat an earlier one"),
    ("section_return", "phrases that nearly repeat the one 8 bars before (a section coming back)"),
    ("whole_section", "8-bar sections that come back whole (every phrase nearly repeating the one 8 bars before)"),
    ("return_leap", "mean leap into a phrase that nearly repeats an earlier one (semitones)"),
    ("pitch_span", "pitch span (semitones from the lowest note to the highest)"),
    ("register_drift", "register drift (semitones between the mean pitches of the first and the last 4 bars)"),
    ("cadence_tonic", "8-bar sections whose last note is the tonic"),
    ("end_tonic", "other phrases whose last note is the tonic"),
    ("cadence_length", "length of a section's last note (steps)"),
)


def stream_checks(streams: list[dict], styles: list[str]) -> list[tuple[str, str, bool | None]]:
    """Per style, the three stream targets: (style, text, met); met None where a value is missing."""
    checks = []
    for style, entry in zip(styles, streams):
        gen, real = entry["generated"], entry["real"]
        for name, text, ok in (
            ("out_of_key", "out-of-key share ≤ real + 0.05", lambda g, r: g <= r + 0.05),
            ("border_leap", "border leap ≤ 1.2 × real", lambda g, r: g <= 1.2 * r),
            ("same_scale", "same-scale share ≥ real − 0.05", lambda g, r: g >= r - 0.05),
        ):
            g, r = gen.get(name), real.get(name)
            checks.append((style, f"{text}: {fmt(g)} vs {fmt(r)}", None if g is None or r is None else ok(g, r)))
    return checks


def feature_ratio(main: dict, reference: dict) -> float | None:
    """The model's mean overlapping area over styles and features, as a share of the real-vs-real reference."""
    ours, theirs = mean_overlap(main), mean_overlap(reference)
    return ours / theirs if ours is not None and theirs else None


def targets(main: dict, base: dict | None, metrics: dict | None = None) -> list[str]:
    """The model's targets, each with its measured value."""
    rec, gen = main["reconstruction"], main["generation"]
    whole = main.get("teacher_forced_whole_test", {}).get("accuracy")
    share = rec["active_units"] / rec["z_content"]
    lines = [
        f"Targets for `{MAIN}`:",
        "",
        f"- teacher-forced token accuracy ≥ 0.90: whole test split {fmt(whole)} ({met(whole, 0.9)}); "
        f"style-balanced subset {fmt(rec['teacher_forced_accuracy'])} ({met(rec['teacher_forced_accuracy'], 0.9)}).",
        f"- generated-phrase style accuracy ≥ 0.85 × the classifier's on real test phrases: ratio "
        f"{fmt(gen['ratio_to_real'])} ({met(gen['ratio_to_real'], 0.85)}).",
        f"- active units ≥ 25 % of z_c: {rec['active_units']}/{rec['z_content']} = {share:.0%} ({met(share, 0.25)}).",
    ]
    if base is not None:
        theirs = base["generation"]["balanced_accuracy"]
        above = "met" if gen["balanced_accuracy"] > theirs else "**missed**"
        lines.append(f"- generated-phrase style accuracy above the baseline's: {fmt(gen['balanced_accuracy'])} vs "
                     f"{fmt(theirs)} ({above}).")
    if metrics is not None:
        reference = metrics["features_valid_vs_test"]
        lines.append(f"- feature overlap ≥ 0.9 × the real-vs-real reference (mean over features and styles): "
                     f"{fmt(feature_ratio(main, reference))} ({met(feature_ratio(main, reference), 0.9)}).")
        for f in FEATURES:
            ours, ref = main["features"]["mean"][f]["overlap"], reference["mean"][f]["overlap"]
            ratio = ours / ref if ours is not None and ref else None
            lines.append(f"  - {f}: {fmt(ours)} vs {fmt(ref)}, ratio {fmt(ratio)} ({met(ratio, 0.9)})")
    if "streams" in main and metrics is not None:
        checks = stream_checks(main["streams"], metrics["data"]["styles"])
        held = sum(ok is True for _, _, ok in checks)
        lines.append(f"- 16-bar streams as the daemon plays them, per style against real excerpts: {held} of "
                     f"{len(checks)} checks met.")
        lines += [f"  - {style}: {text} ({'not measured' if ok is None else 'met' if ok else '**missed**'})"
                  for style, text, ok in checks]
    return lines + [""]


def streams_section(metrics: dict, names: list[str]) -> list[str]:
    models, styles, cfg = metrics["models"], metrics["data"]["styles"], metrics["config"]
    if not any("streams" in models[n] for n in names):
        return []
    lines = [
        "## Streams: 16 bars as the daemon plays them, against real tunes",
        "",
        f"Per style, {cfg.get('streams_per_style')} streams of {cfg.get('stream_phrases')} chained phrases decoded "
        "exactly as a daemon voice at default settings plays them (the one decoding path, `model/decoding/decoder.py`: "
        "the style's most common key, the default scale lock, each next phrase a real one near the last), "
        "beside excerpts of the same length from the real test pieces (consecutive, non-overlapping phrases of "
        "one piece), and for the measures of a phrase and the one after it (the same scale, one scale together, "
        "the leaps, notes per bar) beside every two consecutive phrases of the real test pieces: only the longer "
        "pieces give 16-bar excerpts. Measures (`model/evaluation/musicality.py`): the share of 8-bar windows "
        "with more than 5 % "
        "of their note time outside their best major or harmonic-minor scale; the share of consecutive 2-bar "
        "phrases whose best scale is the same, and of those that fit one scale together; the mean |interval| "
        "between consecutive notes across a phrase border and inside phrases; notes per bar; the share of "
        "phrases whose onsets (step, pitch) overlap an earlier phrase's by 60 % or more, and the mean |interval| "
        "into such a phrase from the note before it; the span from the lowest "
        "note to the highest; how far the mean pitch of the last 4 bars lies from that of the first 4; and the "
        "share of 8-bar sections whose last note is the stream's tonic (its key as Krumhansl–Schmuckler reads it), "
        "the same share of the other phrases, and how long a section's last note lasts.",
        "",
        "Listening aid: `listen/` holds two streams per style and model as MIDI files and a piano roll per model.",
        "",
    ]
    shown = [n for n in names if "streams" in models[n]]
    first = models[shown[0]]["streams"]
    trained = "training" in first[0]
    references = ["real", *(["training"] if trained else [])]
    lines += table(["style", *[f"{PIECES[r]}: 16-bar excerpts, pairs of phrases" for r in references]],
                   [[style, *[f"{first[i][r].get('streams')}, {first[i][r].get('pairs')}" for r in references]]
                    for i, style in enumerate(styles)])
    header = ["style", *[PIECES[r] for r in references], *shown]
    if trained:
        lines += [
            "Each figure is a mean over streams or excerpts ± its standard error. Beside the test pieces, the "
            "training pieces' excerpts (the tunes each style was learned from; the streams' next phrases are drawn "
            "from their phrases): ten times as many for most styles, so their figure is the steadier one. A model's "
            "figure in **bold** lies beyond two standard errors of the difference from both: a gap the few test "
            "excerpts' noise does not explain: "
            + ", ".join(f"{n} {sum(off_real(e, key) for e in models[n]['streams'] for key, _ in STREAM_MEASURES)}"
                        for n in shown)
            + f" of {len(first) * len(STREAM_MEASURES)}.",
            "",
        ]
    for key, text in STREAM_MEASURES:
        rows = [[style, *[with_error(first[i][r], key) for r in references],
                 *[stream_cell(models[n]["streams"][i], key) for n in shown]]
                for i, style in enumerate(styles)]
        lines += [f"**{text}**", "", *table(header, rows), ""]
    lines += [f"![piano rolls](listen/{n}_piano_rolls.png)" for n in names if "streams" in models[n]]
    return lines + [""]


PIECES = {"real": "real test pieces", "training": "real training pieces"}  # a stream entry's references


def with_error(summary: dict, key: str) -> str:
    """A summary's mean of ``key`` ± its standard error (the mean alone where the error is not known)."""
    error = summary.get(STANDARD_ERRORS, {}).get(key)
    return fmt(summary.get(key)) + ("" if error is None else f" ± {fmt(error)}")


def off_real(entry: dict, key: str) -> bool:
    """Whether a model's stream figure lies beyond noise (``musicality.beyond_noise``) from the real test pieces'
    and from the training pieces' both (from the test pieces' alone where the training pieces were not measured)."""
    gen = entry["generated"]
    return all(beyond_noise(gen.get(key), entry[real].get(key), gen.get(STANDARD_ERRORS, {}).get(key),
                            entry[real].get(STANDARD_ERRORS, {}).get(key))
               for real in ("real", "training") if real in entry)


def stream_cell(entry: dict, key: str) -> str:
    cell = with_error(entry["generated"], key)
    return f"**{cell}**" if off_real(entry, key) else cell


def explanations(main: dict, base: dict) -> list[str]:
    """Why, as far as the numbers show it: each statement rests on a measured quantity."""
    lines = []
    m_rec, b_rec = main["reconstruction"], base["reconstruction"]
    if "style_head_accuracy" in m_rec:
        lines.append(
            f"- StyleVAE's own style head recognises the style of {fmt(m_rec['style_head_accuracy'])} of real test "
            "phrases; at generation its decoder is driven by a learned codebook vector, while the baseline's "
            "decoder gets the exact one-hot label: the generated-style numbers above compare these two paths."
        )
    lines.append(
        f"- Active units of z_c: {MAIN} {m_rec['active_units']}/{m_rec['z_content']}, "
        f"{BASELINE} {b_rec['active_units']}/{b_rec['z_content']}; KL {fmt(m_rec['kl'])} vs {fmt(b_rec['kl'])} nats. "
        "Restyling keeps z_c and swaps the style, so a model whose z_c carries more of the phrase keeps more "
        "rhythm and contour."
    )
    lines.append(
        f"- Style can be read from z_c alone with balanced accuracy {fmt(m_rec.get('style_in_z_c'))} ({MAIN}) and "
        f"{fmt(b_rec.get('style_in_z_c'))} ({BASELINE}): the higher it is, the more z_c duplicates the style, "
        "and the more it can pull a generated or restyled phrase back towards the style it encodes."
    )
    return lines + [""]


def mean_overlap(entry: dict) -> float | None:
    """Mean overlapping area over features (of a model entry or of a feature_distributions result)."""
    means = entry["features"]["mean"] if "features" in entry else entry["mean"]
    values = [v["overlap"] for v in means.values() if v["overlap"] is not None]
    return sum(values) / len(values) if values else None


def blend_swing(entry: dict) -> float:
    rows = entry["blend"]["rows"]
    return rows[-1]["p_b"] - rows[0]["p_b"]


def render(metrics: dict) -> str:
    data, hw, models = metrics["data"], metrics["hardware"], metrics["models"]
    cfg = metrics["config"]
    names = list(models)
    lines = [
        "# StyleVAE evaluation",
        "",
        f"Data: `{data['path']}`, test split: {data['test_phrases']} phrases of {data['steps']} steps "
        f"({', '.join(f'{s} {n}' for s, n in zip(data['styles'], data['test_phrases_per_style']))}). "
        f"Seed {cfg['seed']}.",
        "",
        f"Hardware: {hw['cpu']}, {hw['cores']} cores, {hw['torch_threads']} torch threads, "
        f"GPU: {hw['gpu'] or 'none'}; torch {hw['torch']}, Python {hw['python']}. "
        f"The evaluation took {fmt(metrics['seconds']['total_with_plots'], 0)} s "
        f"(classifier {fmt(metrics['seconds']['classifier'], 0)} s; per model: "
        f"{per_model_seconds(models)}).",
        "",
        "Subsampling (fixed seeds): reconstruction and latent statistics on "
        f"{next(iter(models.values()))['reconstruction']['phrases'] if models else 0} test phrases "
        f"(at most {cfg['max_test'] // len(data['styles'])} per style, so every style counts alike); "
        f"{cfg['per_style']} generated phrases per style at temperature {cfg['temperature']} and the default "
        "scale lock, each in a key drawn from the keys of its style's training pieces; "
        f"feature distributions against at most {cfg['real_per_style']} real test phrases "
        f"per style; restyle from {cfg['restyle_per_style']} test phrases per style into every other style; "
        f"blending with {cfg['blend_count']} z_c samples per weight.",
        "",
        *summary(metrics),
        *models_section(models),
        *classifier_section(metrics),
        *reconstruction_section(models, names, data["styles"]),
        *generation_section(metrics, names),
        *features_section(metrics, names),
        *restyle_section(models, names, data["styles"]),
        *blend_section(metrics, names),
        *streams_section(metrics, names),
        "## Figures",
        "",
        *[f"![{p}]({p})" for p in metrics.get("plots", [])],
        "",
    ]
    return "\n".join(lines)


def per_model_seconds(models: dict) -> str:
    return ", ".join(f"{name} {fmt(entry['seconds'], 0)} s" for name, entry in models.items())


def models_section(models: dict) -> list[str]:
    rows = []
    for name, entry in models.items():
        f = entry["facts"]
        trained = f.get("trained") or {}
        rows.append([name, f["kind"], f"`{f['path']}`", f["parameters"], f["config"]["z_content"], f["beta_mu"],
                     f.get("critic_weight", 0.0), trained.get("epoch"), trained.get("step")])
    return [
        "## Models",
        "",
        *table(["name", "kind", "checkpoint", "parameters", "z_c size", "β_μ", "critic weight", "epochs", "steps"],
               rows),
        "",
        "A critic weight above 0 means the model was trained with the content critic (beyond the paper, "
        "`model/network/vae.py`): the encoder was penalised for style that a small critic could read from z_c.",
    ]


def classifier_section(metrics: dict) -> list[str]:
    c = metrics["classifier"]
    test = c["test"]
    styles = metrics["data"]["styles"]
    return [
        "## The independent style classifier",
        "",
        f"A dilated 1-D CNN on tokens (`model/evaluation/classifier.py`), trained only on real training phrases "
        f"({c['train_phrases']}; {c['config']['epochs']} epochs of {c['config']['epoch_size']} style-balanced, "
        f"randomly transposed phrases), best epoch by validation balanced accuracy "
        f"({fmt(c['best_valid_balanced_accuracy'])}); {fmt(c['seconds'], 0)} s to train"
        f"{' (reused from an earlier run on the same data)' if c.get('reused') else ''}. "
        f"On the real test phrases: accuracy **{fmt(test['accuracy'])}**, balanced accuracy (mean of per-style "
        f"recalls; chance {fmt(1 / len(styles))}) **{fmt(test['balanced_accuracy'])}**.",
        "",
        *table(["style", *styles], [["recall on real test phrases", *test["per_style"]]]),
    ]


RECON_ROWS = (
    ("teacher_forced_accuracy", "teacher-forced token accuracy"),
    ("teacher_forced_note_accuracy", "teacher-forced accuracy on note-on steps"),
    ("free_running_accuracy", "free-running token accuracy (argmax from mean z_c)"),
    ("free_running_note_accuracy", "free-running accuracy on note-on steps"),
    ("free_running_exact_phrases", "free-running: whole phrase exact"),
    ("free_running_accuracy_own_style", "free-running token accuracy, style from its own head (no label)"),
    ("kl", "KL(q(z_c|x) ‖ N(0, I)), nats/phrase"),
    ("active_units", "active units of z_c (Cov_x E[z] > 0.01)"),
    ("z_content", "z_c dimensions"),
    ("style_in_z_c", "style read from z_c alone (nearest centroid, balanced accuracy)"),
    ("style_head_accuracy", "encoder style-head accuracy"),
    ("style_head_balanced_accuracy", "encoder style-head balanced accuracy"),
)


def reconstruction_section(models: dict, names: list[str], styles: list[str]) -> list[str]:
    rows = [[label, *[models[n]["reconstruction"].get(key) for n in names]] for key, label in RECON_ROWS]
    whole = [models[n].get("teacher_forced_whole_test") for n in names]
    lines = [
        "## Reconstruction and the latent code (test phrases)",
        "",
        "Decoded from the posterior mean z_c with the true style's one-hot weights (the same information for "
        "both kinds). Token accuracy counts every step, most of which are holds; the note-on rows count only "
        "steps where the true token starts a note. The table below scores a style-balanced subset of the "
        f"test split ({models[names[0]]['reconstruction']['phrases']} phrases), where every style weighs the same.",
        "",
        *table(["metric", *names], rows),
    ]
    if all(whole):
        lines += [
            "",
            f"Teacher-forced token accuracy over the **whole** test split ({whole[0]['phrases']} phrases, its own "
            "style mix, which is mostly Palestrina and German folk songs), and per style:",
            "",
            *table(["", *names], [["whole test split", *[w["accuracy"] for w in whole]]]
                   + [[s, *[w["per_style"][i] for w in whole]] for i, s in enumerate(styles)]),
        ]
    return lines


def generation_section(metrics: dict, names: list[str]) -> list[str]:
    models, styles = metrics["models"], metrics["data"]["styles"]
    real = metrics["classifier"]["test"]["balanced_accuracy"]
    rows = [
        ["classifier accuracy on generated phrases", *[models[n]["generation"]["balanced_accuracy"] for n in names]],
        ["… on real test phrases (reference)", *[real for _ in names]],
        ["ratio generated / real", *[models[n]["generation"]["ratio_to_real"] for n in names]],
    ]
    rows += [[f"recall: {s}", *[models[n]["generation"]["per_style"][i] for n in names]] for i, s in enumerate(styles)]
    temperatures = sorted({t for n in names for t in models[n].get("generation_by_temperature", {})}, key=float)
    if temperatures:
        rows += [[f"classifier accuracy at temperature {t}",
                  *[models[n].get("generation_by_temperature", {}).get(t) for n in names]] for t in temperatures]
    lines = [
        "## Style of generated phrases",
        "",
        f"{metrics['config']['per_style']} phrases per style from z_c ~ N(0, I) with one-hot style weights, judged "
        "by the independent classifier (balanced accuracy = accuracy here, the classes being equal in size).",
        "",
        *table(["", *names], rows),
    ]
    for n in names:
        confusion = models[n]["generation"]["confusion"]
        shares = [[count / max(sum(row), 1) for count in row] for row in confusion]
        lines += [f"What the classifier hears, `{n}` (rows: requested style, columns: its verdict, shares):", ""]
        lines += table(["requested \\ judged", *styles], [[s, *row] for s, row in zip(styles, shares)])
    return lines


def features_section(metrics: dict, names: list[str]) -> list[str]:
    models, styles = metrics["models"], metrics["data"]["styles"]
    lines = [
        "## Feature distributions: generated vs real (overlapping area, 1 = identical)",
        "",
        "Per style, each feature pooled over the phrases (Yang & Lerch 2018), one histogram bin per integer "
        "value; the table gives the mean over styles, then KL(real ‖ generated) in nats. The reference column "
        "compares the test phrases with real *validation* phrases of the same styles (other pieces): about the "
        "best a generator can hope for.",
        "",
    ]
    shifts = sorted({m["facts"].get("transpose") for m in models.values() if m["facts"].get("transpose")})
    if shifts:
        lines += [
            f"The models were trained on phrases transposed at random by up to ±{shifts[-1]} semitones, which "
            "spreads their pitch classes over neighbouring keys: the pitch-class overlap is bounded by that "
            "augmentation, not by the models alone.",
            "",
        ]
    reference = metrics["features_valid_vs_test"]
    rows = [[f"{f} ({FEATURE_UNITS[f]})", reference["mean"][f]["overlap"],
             *[models[n]["features"]["mean"][f]["overlap"] for n in names],
             *[models[n]["features"]["mean"][f]["kl"] for n in names]] for f in FEATURES]
    rows.append(["mean", mean_overlap(reference), *[mean_overlap(models[n]) for n in names], *["" for _ in names]])
    lines += table(["feature", "OA real valid (reference)", *[f"OA {n}" for n in names],
                    *[f"KL {n}" for n in names]], rows)
    for n in names:
        per_style = models[n]["features"]["per_style"]
        lines += [f"Overlapping area per style, `{n}`:", ""]
        lines += table(["style", *FEATURES], [[s, *[per_style[s][f]["overlap"] for f in FEATURES]] for s in styles])
    return lines


def restyle_section(models: dict, names: list[str], styles: list[str]) -> list[str]:
    keys = (
        ("target_accuracy", "judged as the target style"),
        ("rhythm_agreement", "rhythm: onset agreement with the source"),
        ("chance_rhythm_agreement", "… source vs a random real phrase of the target style (chance)"),
        ("contour_correlation", "contour: pitch correlation with the source"),
        ("chance_contour_correlation", "… source vs a random real phrase of the target style (chance)"),
        ("identical_outputs", "output identical to the source"),
    )
    first = next(iter(models.values()))["restyle"] if models else {"pairs": 0}
    lines = [
        "## Restyle: encode a test phrase of style A, decode it as style B ≠ A",
        "",
        f"{first['pairs']} (phrase, target) pairs; the encoder's mean z_c is kept, the style swapped, decoded "
        "with argmax. Good restyling is judged B *and* keeps the source's rhythm and contour well above chance.",
        "",
        *table(["", *names], [[label, *[models[n]["restyle"][k] for n in names]] for k, label in keys]),
    ]
    for n in names:
        matrix = models[n]["restyle"]["pair_accuracy"]
        lines += [f"Share judged as the target, `{n}` (rows: source style A, columns: target style B):", ""]
        lines += table(["A \\ B", *styles], [[a, *row] for a, row in zip(styles, matrix)])
    return lines


def blend_section(metrics: dict, names: list[str]) -> list[str]:
    a, b = metrics["blend_styles"]
    lines = [
        f"## Blending {a} → {b}",
        "",
        f"Style weights (1 − w)·{a} + w·{b}, the same z_c samples at every w, sampled at temperature "
        f"{metrics['config']['temperature']}; the classifier's mean probabilities and how often it picks each style.",
        "",
    ]
    for n in names:
        rows = [[r["weight_b"], r["p_a"], r["p_b"], r["picked_a"], r["picked_b"], r["notes_per_phrase"]]
                for r in metrics["models"][n]["blend"]["rows"]]
        lines += [f"`{n}`:", ""]
        lines += table(["w", f"P({a})", f"P({b})", f"picked {a}", f"picked {b}", "notes/phrase"], rows)
    return lines
