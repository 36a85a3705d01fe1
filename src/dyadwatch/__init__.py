"""dyadwatch: news about relations between states, turned into evidence-backed events,
relations indices and cited briefings."""

__version__ = "0.1.0"
