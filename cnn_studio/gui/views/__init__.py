"""The main window's tabs, one module each: Dataset, Model, Train, Runs, Results, Inspect, Predict."""
