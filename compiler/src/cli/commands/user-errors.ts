// The runtime's errors that are the user's to fix (a missing backend, a bad data source or
// config, a non-finite loss, a mismatched checkpoint): the commands print their message
// instead of a stack trace.

import { BackendUnavailable } from "../../../../runtime/src/backends.js";
import { CheckpointError } from "../../../../runtime/src/checkpoint/safetensors.js";
import { ConfigError } from "../../../../runtime/src/config.js";
import { DataSourceError } from "../../../../runtime/src/data/sources.js";
import { NonFiniteLoss, TrainingError } from "../../../../runtime/src/train/trainer.js";

const USER_ERRORS = [BackendUnavailable, CheckpointError, ConfigError, DataSourceError, NonFiniteLoss, TrainingError];

export function isUserError(error: unknown): error is Error {
  return USER_ERRORS.some((kind) => error instanceof kind);
}
