print("ikehub")
