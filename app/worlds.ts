// Every synthetic world a spec can name: the runtime's generic worlds and each paper's own, from
// its folder (examples/<paper>/world.ts). Adding a paper's world is its file and one line here.
// The compiler receives these as contracts (compile's `worlds` option), the data layer as
// generators (`openDataSet`'s `worlds`); neither imports a paper.

import { GENERIC_WORLDS } from "../runtime/src/data/generic-worlds.js";
import type { WorldCatalog } from "../runtime/src/data/world-args.js";
import type { WorldRecord } from "../runtime/src/data/world.js";
import { AD_AUCTION } from "../examples/drl_put/world.js";
import { BANDIT_LM } from "../examples/hpo/world.js";
import { ID_PRETRAIN } from "../examples/id_pretrain/world.js";
import { OMNISAGE_GRAPH } from "../examples/omnisage/world.js";
import { OMNISEARCHSAGE_SEARCH } from "../examples/omnisearchsage/world.js";
import { FOCUS_DRIFT_SEQUENCES, OUTCOME_SEQUENCES } from "../examples/pinrec/world.js";
import { SID_SUCCESSOR } from "../examples/prefixmem/world.js";
import { CLEAN_ROOM } from "../examples/private_cvr/world.js";
import { RECOMIND_LOGS, RECOMIND_SESSIONS } from "../examples/recomind/world.js";
import { AFFINITY_SESSIONS, ENGAGEMENT_SESSIONS } from "../examples/unipinrec/world.js";

export const WORLD_RECORDS: readonly WorldRecord[] = [
  ...GENERIC_WORLDS,
  ENGAGEMENT_SESSIONS,
  AFFINITY_SESSIONS,
  OUTCOME_SEQUENCES,
  FOCUS_DRIFT_SEQUENCES,
  OMNISEARCHSAGE_SEARCH,
  OMNISAGE_GRAPH,
  SID_SUCCESSOR,
  ID_PRETRAIN,
  AD_AUCTION,
  BANDIT_LM,
  CLEAN_ROOM,
  RECOMIND_LOGS,
  RECOMIND_SESSIONS,
];

export const WORLDS: WorldCatalog = new Map(WORLD_RECORDS.map((w) => [w.name, w]));
