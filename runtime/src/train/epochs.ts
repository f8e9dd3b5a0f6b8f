// The training data a run actually sees, and how many steps it takes: label privacy applied to
// the training split (label-privacy.ts), and `epochs = N` turned into steps — N shuffled passes
// over finite data, ⌈examples / batch⌉ steps each (the last batch of an epoch short), with an
// evaluation at the end of every epoch. In: the opened data set, the train block's settings and
// the options from trainOptionsFrom. Out: the data set to train on and the options with `steps`
// and `stepsPerEpoch` filled in.

import { withTraining, type DataSet } from "../data/batch.js";
import { endlessEpochs } from "../data/examples.js";
import { labelPrivacyOf, withLabelPrivacy } from "../data/label-privacy.js";
import type { PlanSettings } from "../plan.js";
import { TrainingError, type TrainOptions } from "../tfjs/train/trainer.js";

export async function prepareTraining(data: DataSet, settings: PlanSettings, options: TrainOptions): Promise<{ data: DataSet; options: TrainOptions }> {
  const privacy = labelPrivacyOf(settings);
  const released = privacy ? withLabelPrivacy(data, privacy, options.seed) : data;
  if (!options.epochs) return { data: released, options };
  if (!released.finite) {
    throw new TrainingError(
      `\`epochs = ${options.epochs}\` needs data that ends: a file, or a finite world (\`rec ` +
        `data worlds\` marks them finite); this world generates examples without end, so count ` +
        `\`steps\` instead`,
    );
  }
  const examples = await released.finite();
  if (examples.count === 0) throw new TrainingError("the training split holds no examples, so an epoch is empty");
  const perEpoch = Math.ceil(examples.count / options.batch);
  const prepared = withTraining(
    released,
    () => endlessEpochs(examples, options.seed),
    async () => examples,
  );
  return { data: prepared, options: { ...options, steps: options.epochs * perEpoch, stepsPerEpoch: perEpoch } };
}
