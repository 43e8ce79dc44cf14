"""Reusable parts of the views: plots, image grids, the layer tree, cards, dialogs and form pieces."""
