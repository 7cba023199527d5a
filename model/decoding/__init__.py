"""Turning latents into notes: the one decoder every caller shares (daemon, eval, sample), the learned
phrase-to-phrase continuation, and the generation API built on them."""
