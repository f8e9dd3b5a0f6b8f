// The one place the runtime loads TensorFlow.js (the umbrella package: it registers every
// gradient). Production mode silences tfjs's console banners and debug checks.

import * as tf from "@tensorflow/tfjs";

tf.env().set("PROD", true);

export { tf };
export type Tensor = import("@tensorflow/tfjs").Tensor;
