"""The network: the style VAE (content and style latents, the label-fed baseline), its compiled step decoder,
and the checkpoint that saves it with its configuration."""
