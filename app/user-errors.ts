// The runtime's errors that are the user's to fix (a missing backend, a bad data source or
// config, a bad data file or row, a non-finite loss, a mismatched checkpoint, a rollout whose
// environment gave a bad value, a kernel that failed on the values it was given): the commands
// and the sweep worker print their message instead of a stack trace.

import { BackendUnavailable } from "../runtime/src/tfjs/backends.js";
import { CheckpointError } from "../runtime/src/checkpoint/safetensors.js";
import { ConfigError } from "../runtime/src/config.js";
import { DataSourceError } from "../runtime/src/data/sources.js";
import { BadRowError } from "../runtime/src/data/encode.js";
import { DataFileError } from "../runtime/src/data/tables.js";
import { LabelPrivacyError } from "../runtime/src/data/label-privacy.js";
import { NonFiniteLoss, TrainingError } from "../runtime/src/tfjs/train/trainer.js";
import { TorchProcessError } from "../runtime/src/torch/bridge.js";
import { RolloutError } from "../runtime/src/rl/environment.js";
import { KernelError } from "../runtime/src/tfjs/executor.js";
import { EmbedError } from "../runtime/src/embed.js";
import { IndexError } from "../runtime/src/full-index-recall.js";

// A torch process's error (no CUDA for --device cuda, out of memory) is the machine's, not a bug.
const USER_ERRORS = [
  BackendUnavailable,
  CheckpointError,
  ConfigError,
  DataSourceError,
  BadRowError,
  DataFileError,
  NonFiniteLoss,
  TrainingError,
  TorchProcessError,
  LabelPrivacyError,
  RolloutError,
  KernelError,
  EmbedError,
  IndexError,
];

export function isUserError(error: unknown): error is Error {
  return USER_ERRORS.some((kind) => error instanceof kind);
}
