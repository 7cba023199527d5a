"""The Max for Live device that plays the StyleVAE daemon from Ableton Live.

Max cannot run on the machines that build this project, so the device is described in Python
(``device``), written out as a readable ``.maxpat`` and packed into an ``.amxd`` (``amxd``) by
``build``, and tested as data and through the OSC messages it sends (``oscpaths``, ``messages``).
"""
