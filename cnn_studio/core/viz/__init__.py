"""Looking inside a network: filters, activations, Grad-CAM."""
