// Checks the dotted_order of every exported run (JSON array of runs in the file argv[2]) against the
// langsmith package's own helper: each segment is convertToDottedOrderFormat(start_time, id) and the
// segments run from the root to the run through parent_run_id. bloop's times have millisecond
// precision, so its %f microseconds end in 000; the helper's third argument fills those three digits
// (with an execution order when a RunTree calls it), so 0 asks for exactly the microseconds of the time.
// Prints the mismatches as JSON and exits 1 when there are any.
import { readFileSync } from "node:fs";
import { convertToDottedOrderFormat } from "langsmith/run_trees";

const runs = JSON.parse(readFileSync(process.argv[2], "utf8"));
const byId = new Map(runs.map((r) => [r.id, r]));
const expected = (run) => {
  const own = convertToDottedOrderFormat(Date.parse(run.start_time), run.id, 0).dottedOrder;
  if (!run.parent_run_id) {
    return own;
  }
  const parent = byId.get(run.parent_run_id);
  if (!parent) {
    throw new Error(`run ${run.id}: parent ${run.parent_run_id} is not in the export`);
  }
  return `${expected(parent)}.${own}`;
};
const wrong = runs
  .map((r) => ({ id: r.id, dotted_order: r.dotted_order, expected: expected(r) }))
  .filter((x) => x.dotted_order !== x.expected);
console.log(JSON.stringify({ checked: runs.length, wrong }));
process.exit(wrong.length === 0 ? 0 : 1);
