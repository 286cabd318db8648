"""printos_ext: the hand-written layer over the generated PrintOS Device API client."""
