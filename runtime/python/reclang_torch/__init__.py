"""reclang's PyTorch runtime: what every package `rec export --format pytorch` writes imports.

`ops` holds the helpers the generated code calls for ops with no one-line torch form (hashing,
index specs, metrics, seeded randomness); `plan_module` the nn.Module base class that creates the
weights under their qualified names; `safetensors` reads and writes reclang checkpoints (with the
integrity hash) without the safetensors package; `train` and `serve` run training.
Only torch and numpy are imported: Debian's python3-torch 1.13 is the oldest supported.
"""
