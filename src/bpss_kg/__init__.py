"""bpss-kg: knowledge graph of basic public service standardization (基本公共服务标准化)."""

__version__ = "0.1.0"
