"""How a line is played when nobody says otherwise: the defaults the daemon's voices, ``stylevae sample`` and
``stylevae eval`` share (the OSC spec documents them from here). Plain numbers, no torch: the OSC table and
the device's tests read them too."""

TEMPERATURE = 1.0
DENSITY = 0.0
LOCK = 0.9  # out-of-scale note-ons at a tenth of the model's probability: in key, with a rare chromatic touch
# The least likely tokens, 5 % of the probability together, are never drawn (Holtzman et al. 2020): side by side
# on 96 streams a style at two seed sets (bench/sampling_rules.py), the leaps inside phrases came within 0.1
# semitone of real tunes' in every style (at 1.0 up to 0.31 over: German folk 2.25 against 1.94), the spans
# narrowed (German 14.1 -> 12.1 semitones, real 11.6), and the classifier knew the style of more generated
# phrases (0.70 -> 0.72)
TOP_P = 0.95
VARIATION = 0.3  # how far from this phrase the next may be: 0 repeats it, 1 any real next phrase of those near it
NEIGHBOURS = 32  # real phrases nearest a line's z_c, whose next phrases it may go on to (decoding/continuation.py)
RESTYLE_TEMPERATURE = 0.5  # lower: a restyled tune should stay close to its source
