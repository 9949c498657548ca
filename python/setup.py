"""pip install ./python -- the ctypes binding over libtasnif.so (no compiled code here)."""
from setuptools import setup

setup(
    name="tasnif",
    version="0.1.0",
    description="Arabic text classification: a ctypes binding over libtasnif",
    packages=["tasnif"],
    python_requires=">=3.7",
)
