"""The PySide6 desktop app: a thin layer of views over cnn_studio.core."""
