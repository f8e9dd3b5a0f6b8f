// The one place the runtime loads TensorFlow.js (the umbrella package: it registers every
// gradient). Production mode silences tfjs's console banners and debug checks.

import * as tf from "@tensorflow/tfjs";

tf.env().set("PROD", true);

export { tf };

/** The tfjs dtype that holds a plan dtype (ids are int32 indices). */
export function tfDtype(type: { readonly dtype: "f32" | "i32" | "bool" | "id" }): "float32" | "int32" | "bool" {
  return type.dtype === "f32" ? "float32" : type.dtype === "bool" ? "bool" : "int32";
}
export type Tensor = import("@tensorflow/tfjs").Tensor;
