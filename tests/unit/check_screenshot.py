#!/usr/bin/python3
"""Runs scripts/gtkwave-screenshot into a temporary PNG and checks it shows a waveform:
the screen's size, and not one flat colour (GTKWave drew something).

usage: check_screenshot.py SCRIPT IRQLAB OUT.png
"""
import os
import subprocess
import sys

from PIL import Image

script, irqlab, png = sys.argv[1:4]
subprocess.run([script, png], check=True, env=dict(os.environ, IRQLAB=irqlab), timeout=120)
img = Image.open(png).convert("RGB")
if img.size != (1600, 1000):
    sys.exit(f"FAIL: {png} is {img.size}, expected the 1600x1000 screen")
colours = img.getcolors(maxcolors=1 << 20) or []
if len(colours) < 8:
    sys.exit(f"FAIL: {png} has {len(colours)} colours: GTKWave drew nothing")
print(f"{png}: {img.size[0]}x{img.size[1]}, {len(colours)} colours")
