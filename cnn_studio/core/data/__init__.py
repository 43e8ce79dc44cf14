"""Datasets: scanning image folders, decoding into cached tensors, batches."""
