"""Judging the output against real tunes: the style classifier, melodic features, stream musicality measures,
and the report they make."""
