"""The output's sound: loudness measurement, music, the mix and its mastering."""
