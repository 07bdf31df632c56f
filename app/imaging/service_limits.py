"""What the vendor documents about the pixel sizes the service takes.

Kept apart from the scaling code so that deciding whether to scale costs no image library at
start-up: only an input that needs a scaled copy loads the encoders.
"""

# Inputs larger than this on a side are scaled down by the service before processing.
MAX_SERVICE_SIDE = 4096
# The service refuses larger inputs outright; a scaled copy would hide that from the user.
MAX_SERVICE_INPUT_SIDE = 10_000
