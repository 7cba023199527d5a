"""How a line is played when nobody says otherwise: the defaults the daemon's voices, ``stylevae sample`` and
``stylevae eval`` share (the OSC spec documents them from here). Plain numbers, no torch: the OSC table and
the device's tests read them too."""

TEMPERATURE = 1.0
DENSITY = 0.0
LOCK = 0.9  # out-of-scale note-ons at a tenth of the model's probability: in key, with a rare chromatic touch
TOP_P = 1.0
VARIATION = 0.3  # how far from this phrase the next may be: 0 repeats it, 1 any real next phrase of those near it
NEIGHBOURS = 32  # real phrases nearest a line's z_c, whose next phrases it may go on to (decoding/continuation.py)
RESTYLE_TEMPERATURE = 0.5  # lower: a restyled tune should stay close to its source
