"""The Max for Live device that plays the StyleVAE daemon from Ableton Live.

Max cannot run on the machines that build this project, so the device is described in Python
(``device``), written out as a readable ``.maxpat`` and packed into an ``.amxd`` (``amxd``) by
``build``. The tests check it against real Max-saved devices and play its messages through a
model of the Max objects it uses (``tests/maxsim.py``), into the real daemon.
"""
