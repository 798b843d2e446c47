"""autocut: landscape footage in, vertical trailers, teasers and promo clips out.

Stages, each a subpackage: ``media`` (ffmpeg, probing, decoding), ``analysis`` (one decode
pass per file: shots and frame signals), ``reframe`` (where the 9:16 window sits),
``assemble`` (which shots, in what order: the EDL), ``render`` (the EDL to an MP4).
"""

__version__ = "0.1.0"
