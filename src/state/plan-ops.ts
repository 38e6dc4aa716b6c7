/**
 * Physical operators (SparkPlan node names) that run Python workers or broadcast a relation: what
 * AppState reads of a SQL execution's plan (src/state/app.ts), and what a long plan line's bytes are
 * searched for (src/eventlog/plan-line.ts). A module of its own: the reader imports it without the state.
 */
export const PYTHON_OPS =
  /\b(?:BatchEvalPython|ArrowEvalPython|FlatMapGroupsInPandas|FlatMapCoGroupsInPandas|MapInPandas|MapInArrow|PythonMapInArrow|AggregateInPandas|WindowInPandas|FlatMapGroupsInArrow|BatchEvalPythonUDTF|ArrowEvalPythonUDTF)\b/g;
export const ARROW_OPS =
  /^(?:ArrowEvalPython|FlatMapGroupsInPandas|FlatMapCoGroupsInPandas|MapInPandas|MapInArrow|PythonMapInArrow|AggregateInPandas|WindowInPandas|FlatMapGroupsInArrow|ArrowEvalPythonUDTF)$/;
export const BROADCAST_OPS = /\bBroadcast(?:HashJoin|NestedLoopJoin|Exchange)\b/;
