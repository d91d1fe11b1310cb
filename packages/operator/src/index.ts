// @cascade/operator: the on-call team as an actor — monitors' readings in, playbook actions out.
export { Operator, type OperatorIn, type OperatorReport } from './operator.js';
export { describeCondition, type ActionRecord, type Aggregation, type Condition, type Delivery, type OperatorParams, type TimedAction, type TriggerStep } from './playbook.js';
