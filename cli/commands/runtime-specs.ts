// The option tables of the commands that load heavy modules (train, eval, predict, compare,
// sweep, export load TensorFlow.js; codegen loads ts-morph; fmt loads prettier; graph loads Graphviz). They live apart from the commands so
// `rec --help` and `rec check` load neither: main.ts imports these tables eagerly and the
// commands themselves only when one of them runs.

import type { CommandSpec, OptionSpec } from "../args.js";
import { colorOption } from "./shared.js";

export const trainSpec: CommandSpec = {
  name: "train",
  summary: "Train a model of a .rec file on its data and report its metrics.",
  usage: "rec train [options] FILE",
  options: [
    {
      name: "backend",
      description: "Where to run: the fastest tfjs backend present (auto), cpu, wasm, webgpu, tensorflow (tfjs-node), or torch (PyTorch in a Python process)",
      values: ["auto", "cpu", "wasm", "webgpu", "tensorflow", "torch"],
      default: "auto",
    },
    { name: "device", description: "With --backend torch: cpu, or cuda where PyTorch sees a GPU", values: ["cpu", "cuda"], default: "cpu" },
    { name: "threads", description: "With --backend torch: PyTorch's threads (default: PyTorch's own choice)", values: [], valueName: "N" },
    {
      name: "nproc",
      description: "With --backend torch: train in N processes under torchrun (DistributedDataParallel; the batch is split among them)",
      values: [],
      valueName: "N",
    },
    { name: "seed", description: "Seed for initialization, data and dropout", values: [], valueName: "N", default: "0" },
    { name: "steps", description: "Training steps (default: the train block's `steps`)", values: [], valueName: "N" },
    { name: "batch", description: "Batch size (default: the train block's `batch`)", values: [], valueName: "N" },
    { name: "model", description: "Which model of the file to train (default: the first)", values: [], valueName: "NAME" },
    { name: "set", description: "Override a model param (repeatable)", values: [], valueName: "NAME=VALUE", repeatable: true },
    { name: "out", description: "Run directory (default: runs/<model>-<seed>, or the next free runs/<model>-<seed>-N)", values: [], valueName: "DIR" },
    { name: "overwrite", description: "Replace the earlier run in --out DIR (refused otherwise)" },
    { name: "json", description: "Print the final summary as JSON" },
    { name: "skip-bad-rows", description: "Skip data rows that do not fit the schema (counted and reported) instead of stopping" },
    { name: "checkpoint-every", description: "Save a resumable checkpoint every N steps (default: at each evaluation)", values: [], valueName: "N" },
    {
      name: "profile",
      description:
        "Profile steps 3–7 on a tfjs backend: time by .rec line and op (forward), by tfjs kernel " +
        "(forward and backward), allocations; printed, and written to profile.json",
    },
    { name: "resume", description: "Continue the run in DIR from its last checkpoint, with its spec, overrides and seed", values: [], valueName: "DIR" },
    colorOption,
  ],
};

/** The weights a command runs with. */
const checkpointOption: OptionSpec = {
  name: "checkpoint",
  description: "The weights: a .safetensors file (`rec train`'s, or another tool's named by the spec's `init { map }`)",
  values: [],
  valueName: "PATH",
};

/** The size of a symbolic dim that rows fix (a history length), for scoring rows of a model trained on a synthetic world. */
const dimOption: OptionSpec = {
  name: "dim",
  description: "The size of a symbolic dim of the rows, e.g. L=20 (repeatable; a model trained from a file takes them from its schema)",
  values: [],
  valueName: "NAME=SIZE",
  repeatable: true,
};

const modelOptions: OptionSpec[] = [
  checkpointOption,
  { name: "backend", description: "Where to run", values: ["auto", "cpu", "wasm", "webgpu", "tensorflow"], default: "auto" },
  { name: "batch", description: "Examples per batch (default: the train block's `batch`)", values: [], valueName: "N" },
  { name: "seed", description: "Seed of the data", values: [], valueName: "N", default: "0" },
  { name: "set", description: "Override a model param, as in training (repeatable)", values: [], valueName: "NAME=VALUE", repeatable: true },
  { name: "split", description: "Which held-out split of a data file to use", values: ["valid", "test"], default: "valid" },
  { name: "skip-bad-rows", description: "Skip data rows that do not fit the schema instead of stopping" },
  colorOption,
];

export const evalSpec: CommandSpec = {
  name: "eval",
  summary: "Evaluate a trained model's metrics on the held-out split of its data (fresh batches of generated data).",
  usage: "rec eval --checkpoint PATH [options] FILE",
  options: [
    ...modelOptions,
    {
      name: "batches",
      description: "Batches to evaluate on (default: the whole split of a data file, 8 batches of generated data)",
      values: [],
      valueName: "N",
    },
    { name: "json", description: "Print the metrics as JSON" },
    {
      name: "index",
      description: "Recall@K against a full index instead of the metrics: every item's vector by this encoder, searched exactly (with --query)",
      values: [],
      valueName: "ENCODER",
    },
    { name: "query", description: "With --index: the encoder whose vector of each held-out example searches the index", values: [], valueName: "ENCODER" },
    { name: "k", description: "With --index: the K of Recall@K, comma-separated", values: [], valueName: "K,…", default: "10,100" },
  ],
};

export const predictSpec: CommandSpec = {
  name: "predict",
  summary: "Score rows of a file (--data) with a trained model, or print its heads for one batch of its own data, as JSON.",
  usage: "rec predict --checkpoint PATH [--data ROWS] [options] FILE",
  options: [
    ...modelOptions,
    { name: "rows", description: "Without --data: how many rows of each head to print", values: [], valueName: "N", default: "3" },
    {
      name: "data",
      description: "Score every row of this file (.jsonl, .csv or .parquet), read through the model's schema as training data is",
      values: [],
      valueName: "ROWS",
    },
    {
      name: "out",
      description: "With --data: write the scores to this file (.jsonl, .csv or .parquet, atomically) instead of stdout",
      values: [],
      valueName: "FILE",
    },
    { name: "with-inputs", description: "With --data: give the inputs as the model saw them (ids after the vocabulary) beside each row's heads" },
    dimOption,
  ],
};

export const serveSpec: CommandSpec = {
  name: "serve",
  summary: "Serve a trained model over HTTP: POST /predict (heads), POST /retrieve (top-k items), GET /health, GET /metadata.",
  usage: "rec serve --checkpoint PATH [--index VECTORS.parquet --query ENCODER] [options] FILE",
  options: [
    checkpointOption,
    { name: "model", description: "Which model of the file (default: the first)", values: [], valueName: "NAME" },
    { name: "set", description: "Override a model param, as in training (repeatable)", values: [], valueName: "NAME=VALUE", repeatable: true },
    {
      name: "host",
      description: "The interface to listen on (another than 127.0.0.1 exposes the model to the network)",
      values: [],
      valueName: "HOST",
      default: "127.0.0.1",
    },
    { name: "port", description: "The port (0: any free one, printed)", values: [], valueName: "N", default: "8080" },
    { name: "index", description: "The item vectors `rec embed` wrote (.parquet), for POST /retrieve", values: [], valueName: "VECTORS" },
    { name: "query", description: "With --index: the encoder that turns a request's row into a query vector", values: [], valueName: "ENCODER" },
    { name: "similarity", description: "With --index: how the model scores a query against an item", values: ["dot", "cosine"], default: "dot" },
    { name: "exact", description: "With --index: exact search even where hnswlib-node (approximate search) is installed" },
    { name: "no-index-cache", description: "With --index: build the graph and keep it nowhere (by default it is kept beside the vectors as VECTORS.hnsw)" },
    { name: "max-batch", description: "Rows per model call, and the most one request may send", values: [], valueName: "N", default: "256" },
    dimOption,
    { name: "max-body", description: "The largest request body, in bytes", values: [], valueName: "BYTES", default: "1048576" },
    { name: "backend", description: "Where to run", values: ["auto", "cpu", "wasm", "webgpu", "tensorflow"], default: "auto" },
    colorOption,
  ],
};

export const embedSpec: CommandSpec = {
  name: "embed",
  summary:
    "Write a trained encoder's vector for every id of the space it reads (an item tower over " +
    "its catalogue) to a Parquet file of (id, vector) rows, a row group per batch.",
  usage: "rec embed --checkpoint PATH --out FILE.parquet [options] FILE",
  options: [
    checkpointOption,
    { name: "encoder", description: "Which encoder (default: the model's only one)", values: [], valueName: "NAME" },
    { name: "out", description: "The Parquet file to write (atomically)", values: [], valueName: "FILE" },
    { name: "model", description: "Which model of the file (default: the first)", values: [], valueName: "NAME" },
    { name: "batch", description: "Ids per batch (and rows per row group)", values: [], valueName: "N", default: "4096" },
    { name: "backend", description: "Where to run", values: ["auto", "cpu", "wasm", "webgpu", "tensorflow"], default: "auto" },
    { name: "set", description: "Override a model param, as in training (repeatable)", values: [], valueName: "NAME=VALUE", repeatable: true },
    { name: "json", description: "Print what was written as JSON (path, encoder, rows, seconds, backend)" },
    colorOption,
  ],
};

export const compareSpec: CommandSpec = {
  name: "compare",
  summary: "Run an `experiment`: train each of its models over its seeds and print mean ± spread, gains and the paper's numbers.",
  usage: "rec compare [options] FILE",
  options: [
    { name: "experiment", description: "Which experiment of the file (default: the first)", values: [], valueName: "NAME" },
    { name: "seeds", description: "Seeds to run instead of the experiment's, e.g. 1,2,3", values: [], valueName: "LIST" },
    { name: "steps", description: "Training steps instead of each model's", values: [], valueName: "N" },
    { name: "batch", description: "Batch size instead of each model's", values: [], valueName: "N" },
    { name: "eval-batches", description: "Held-out batches per evaluation instead of each model's", values: [], valueName: "N" },
    { name: "only", description: "Run only these of the experiment's models or variants, e.g. baseline,prefixmem", values: [], valueName: "LIST" },
    {
      name: "backend",
      description: "Where to run: a tfjs backend, or torch (each arm trains in a PyTorch process)",
      values: ["auto", "cpu", "wasm", "webgpu", "tensorflow", "torch"],
      default: "auto",
    },
    { name: "set", description: "Override a model param in every model (repeatable)", values: [], valueName: "NAME=VALUE", repeatable: true },
    { name: "json", description: "Print the results as JSON" },
    { name: "results", description: "Where to write results.json (default runs/<experiment>/results.json)", values: [], valueName: "FILE" },
    {
      name: "profile",
      description:
        "Profile each arm's run of the first seed (steps 3–7, a tfjs backend), as rec train " +
        "--profile: printed, and written to profile-<arm>.json beside results.json",
    },
    colorOption,
  ],
};

export const exportSpec: CommandSpec = {
  name: "export",
  summary: "Export a model: a PyTorch package that trains it (alone or under torchrun), or heads and towers as ONNX for serving.",
  usage: "rec export --format pytorch|onnx --out PATH [options] FILE",
  options: [
    {
      name: "format",
      description: "pytorch: a Python package, its training batches and train.py; onnx: a head's or an encoder's inference graph",
      values: ["pytorch", "onnx"],
      default: "pytorch",
    },
    { name: "out", description: "The folder to write (pytorch, onnx --all) or the .onnx file (onnx --head, --encoder)", values: [], valueName: "PATH" },
    { name: "head", description: "With --format onnx: the head to export", values: [], valueName: "NAME" },
    { name: "encoder", description: "With --format onnx: the encoder (a tower, served on its own) to export", values: [], valueName: "NAME" },
    { name: "all", description: "With --format onnx: every head and encoder, as head.NAME.onnx and encoder.NAME.onnx in the --out folder" },
    { name: "checkpoint", description: "Start from (pytorch) or serve (onnx) these weights instead of a fresh initialization", values: [], valueName: "PATH" },
    { name: "model", description: "Which model of the file (default: the first)", values: [], valueName: "NAME" },
    { name: "seed", description: "Seed of the initialization and of the exported batches", values: [], valueName: "N", default: "0" },
    { name: "steps", description: "Training steps whose batches to export (default: the train block's `steps`)", values: [], valueName: "N" },
    { name: "batch", description: "Batch size (default: the train block's `batch`)", values: [], valueName: "N" },
    { name: "set", description: "Override a model param (repeatable)", values: [], valueName: "NAME=VALUE", repeatable: true },
    { name: "json", description: "Print what was written as JSON" },
    colorOption,
  ],
};

export const sweepSpec: CommandSpec = {
  name: "sweep",
  summary:
    "Run a `sweep`: check and cost every point of its space, train each distinct graph that " +
    "meets the constraint, print a leaderboard and write the best point as a .rec file.",
  usage: "rec sweep [options] FILE",
  options: [
    { name: "sweep", description: "Which sweep of the file (default: the first)", values: [], valueName: "NAME" },
    { name: "dry-run", description: "List the points with their costs, merges and the constraint, and train nothing" },
    { name: "jobs", description: "Points trained at a time, each in its own process", values: [], valueName: "N", default: "1" },
    {
      name: "backend",
      description: "Where each point trains: a tfjs backend, or torch",
      values: ["auto", "cpu", "wasm", "webgpu", "tensorflow", "torch"],
      default: "auto",
    },
    { name: "batch", description: "Batch size instead of the model's", values: [], valueName: "N" },
    { name: "eval-batches", description: "Held-out batches per evaluation instead of the model's", values: [], valueName: "N" },
    { name: "set", description: "Override a model param in every point (repeatable)", values: [], valueName: "NAME=VALUE", repeatable: true },
    { name: "out", description: "The sweep's folder (default runs/<sweep>): points/ holds one results file per trained point", values: [], valueName: "DIR" },
    {
      name: "best",
      description: "Where to write the best point as a .rec file (default: beside the spec, <file>.<sweep>.best.rec)",
      values: [],
      valueName: "FILE",
    },
    { name: "json", description: "Print the plan (with --dry-run) or the results as JSON" },
    colorOption,
  ],
};

export const codegenSpec: CommandSpec = {
  name: "codegen",
  summary: "Write a typed module that serves a trained model without the compiler: `rec codegen ts FILE --out model.ts`.",
  usage: "rec codegen ts [options] FILE",
  options: [
    { name: "out", description: "The .ts file to write", values: [], valueName: "FILE" },
    { name: "model", description: "Which model of the file (default: the first)", values: [], valueName: "NAME" },
    { name: "set", description: "Override a model param, as in training (repeatable)", values: [], valueName: "NAME=VALUE", repeatable: true },
    colorOption,
  ],
};

export const fmtSpec: CommandSpec = {
  name: "fmt",
  summary: "Format .rec files in place, comments kept (prettier with the .rec plugin); --check lists the files that would change.",
  usage: "rec fmt [options] FILE|DIR... | rec fmt [options] -",
  options: [
    { name: "check", description: "Write nothing; list the files that are not formatted and exit 1 if any" },
    {
      name: "width",
      description: "The line width to break at (default: the printWidth of the .prettierrc prettier finds for the file, else 100)",
      values: [],
      valueName: "N",
    },
    colorOption,
  ],
};

export const graphSpec: CommandSpec = {
  name: "graph",
  summary: "Draw a model: inputs, blocks with their parameter counts, outputs, and the shapes between them (SVG through Graphviz, or DOT).",
  usage: "rec graph [options] FILE",
  options: [
    { name: "model", description: "Which model of the file (default: the first)", values: [], valueName: "NAME" },
    {
      name: "depth",
      description: "How deep to open nested modules: the segments of a weight's name that make a block",
      values: [],
      valueName: "N",
      default: "2",
    },
    { name: "format", description: "svg (rendered by Graphviz) or dot (its input)", values: ["svg", "dot"], default: "svg" },
    { name: "out", description: "Write the picture to this file instead of standard output", values: [], valueName: "FILE" },
    { name: "set", description: "Override a model param (repeatable)", values: [], valueName: "NAME=VALUE", repeatable: true },
    colorOption,
  ],
};

export const reportSpec: CommandSpec = {
  name: "report",
  summary: "Write one self-contained HTML page of a run, an experiment or a sweep: tables, curves, the spec and the model's picture.",
  usage: "rec report [options] RUN_DIR|EXPERIMENT_DIR|SWEEP_DIR",
  options: [{ name: "out", description: "Where to write the page (default: report.html in the folder)", values: [], valueName: "FILE" }, colorOption],
};

export const lspSpec: CommandSpec = {
  name: "lsp",
  summary: "Run the language server (Language Server Protocol over stdio) for editors: diagnostics, hover, definitions, completion, formatting.",
  usage: "rec lsp [--stdio | --node-ipc | --socket=PORT]",
  options: [
    { name: "stdio", description: "Speak the protocol over standard input and output (the default; editors may pass it)" },
    { name: "node-ipc", description: "Speak it over Node's IPC channel (a client that forks the server)" },
    { name: "socket", description: "Connect to the editor listening on this port", values: [], valueName: "PORT" },
  ],
};
