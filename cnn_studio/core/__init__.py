"""Qt-free core of CNN Studio: data, models, training, inspection. Never imports PySide6."""
