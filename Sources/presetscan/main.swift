print("presetscan")
