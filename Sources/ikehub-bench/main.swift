print("ikehub-bench")
