// `npm run bench`: runs every benchmark and prints its figures with the machine they came from.

import { machine } from "./measure.js";
import { benchCheck } from "./check.js";
import { benchParse } from "./parse.js";
import { benchVariants } from "./variants.js";
import { benchLsp } from "./lsp.js";
import { benchTorch, benchTrain } from "./train.js";
import { benchEmbeddings } from "./embeddings.js";
import { benchIndex, benchServer } from "./serving.js";

process.stdout.write(`machine: ${machine()}\n`);
process.stdout.write(`${benchParse()}\n`);
process.stdout.write(`${benchCheck()}\n`);
process.stdout.write(`${benchVariants()}\n`);
process.stdout.write(`${benchLsp()}\n`);
const tfjs = await benchTrain();
process.stdout.write(`${tfjs.text}\n`);
process.stdout.write(`${await benchTorch(10, tfjs.compiled.wasm)}\n`);
process.stdout.write(`${benchEmbeddings()}\n`);
process.stdout.write(`${benchIndex()}\n${await benchServer()}\n`);
