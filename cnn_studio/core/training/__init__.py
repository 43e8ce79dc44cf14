"""The training engine: events, callbacks, control, optimisers, metrics."""
