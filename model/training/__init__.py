"""Fitting the network: batches, augmentation, the training loop and the continuation fitted after it."""
