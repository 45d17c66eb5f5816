"""Citation integrity: in-text citations against the reference list, and malformed citation groups."""
