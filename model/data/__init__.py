"""What the model learns from: the music21 corpus and MIDI folders turned into key-tagged two-bar phrases of
tokens, cached as arrays, with the music theory (scales, key finding) they rest on."""
