// The operator as an actor: it keeps the latest reading of every monitored signal, looks at them
// every evaluation round, and fires playbook steps whose conditions have held long enough. Nothing
// here knows a clock time of the incident: in reactive mode every action follows from observations.
import { assert, usToSeconds, type Actor, type Context, type Message, type ObservationMsg } from '@cascade/kernel';
import { describeCondition, type ActionRecord, type Condition, type Delivery, type OperatorParams, type TriggerStep } from './playbook.js';

interface EvaluateMsg extends Message {
  readonly kind: 'operator-evaluate';
}

interface ActMsg extends Message {
  readonly kind: 'operator-act';
  readonly action: string;
  readonly trigger: string;
}

export type OperatorIn = ObservationMsg | EvaluateMsg | ActMsg;
/** The operator forwards other actors' messages (its playbook's deliveries), whatever their kind. */
type OperatorCtx = Context<OperatorIn, Message>;

/** Evaluation comes after the monitors' readings of the same instant (default priority 1). */
const PRIORITY_EVALUATE = 2;

interface Reading {
  value: number;
  weight: number;
}

export interface OperatorReport {
  readonly mode: 'reactive' | 'timetable';
  readonly actions: readonly ActionRecord[];
  /** Per step: when its conditions started to hold for good, and when it fired (s, null if never). */
  readonly steps: readonly { name: string; heldFrom: number | null; firedAt: number | null }[];
}

export class Operator implements Actor<OperatorIn, Message> {
  /** signal -> source -> latest reading */
  private readonly readings: Record<string, Record<number, Reading>> = {};
  private readonly heldFromUs: (number | null)[];
  private readonly firedUs: (number | null)[];
  private readonly actions: ActionRecord[] = [];

  constructor(private readonly p: OperatorParams) {
    for (const signal of Object.keys(p.signals)) this.readings[signal] = {};
    this.heldFromUs = p.steps.map(() => null);
    this.firedUs = p.steps.map(() => null);
    for (const step of p.steps) {
      for (const c of step.conditions) assert(c.signal in p.signals, `step '${step.name}' watches unknown signal '${c.signal}'`);
      for (const a of step.actions) assert(a in p.deliveries, `step '${step.name}' takes unknown action '${a}'`);
    }
  }

  init(ctx: OperatorCtx): void {
    if (this.p.mode === 'timetable') {
      for (const t of this.p.timetable) {
        if (t.atUs <= this.p.endUs) this.commit(t.action, t.atUs, `timetable: at ${usToSeconds(t.atUs)} s`, ctx);
      }
      return;
    }
    if (this.p.steps.length > 0) ctx.after(this.p.evaluateOffsetUs, { kind: 'operator-evaluate' }, PRIORITY_EVALUATE);
  }

  receive(msg: OperatorIn, ctx: OperatorCtx): void {
    switch (msg.kind) {
      case 'observe': {
        const sources = this.readings[msg.signal];
        assert(sources !== undefined, `the operator got a reading of unknown signal '${msg.signal}'`);
        sources[msg.source] = { value: msg.value, weight: msg.weight };
        return;
      }
      case 'operator-evaluate':
        this.evaluate(ctx);
        if (ctx.now + this.p.evaluateIntervalUs <= this.p.endUs) ctx.after(this.p.evaluateIntervalUs, msg, PRIORITY_EVALUATE);
        return;
      case 'operator-act':
        this.actions.push({ action: msg.action, at: usToSeconds(ctx.now), trigger: msg.trigger });
        return;
      default: {
        const never: never = msg;
        throw new Error(`unexpected message ${String((never as Message).kind)}`);
      }
    }
  }

  report(): OperatorReport {
    return {
      mode: this.p.mode,
      actions: [...this.actions].sort((a, b) => a.at - b.at),
      steps: this.p.steps.map((s, i) => ({ name: s.name, heldFrom: seconds(this.heldFromUs[i] ?? null), firedAt: seconds(this.firedUs[i] ?? null) })),
    };
  }

  /** The combined value of a signal now; null while no source has data. */
  private value(signal: string): number | null {
    const how = this.p.signals[signal];
    const sources = this.readings[signal] as Record<number, Reading>;
    let sum = 0;
    let weight = 0;
    let max = -Infinity;
    for (const key in sources) {
      const r = sources[key] as Reading;
      if (r.weight <= 0) continue;
      sum += how === 'mean' ? r.value * r.weight : r.value;
      weight += r.weight;
      if (r.value > max) max = r.value;
    }
    if (weight === 0) return null;
    return how === 'mean' ? sum / weight : how === 'max' ? max : sum;
  }

  private holds(c: Condition): boolean {
    const v = this.value(c.signal);
    if (v === null) return false;
    return c.op === 'above' ? v > c.threshold : v < c.threshold;
  }

  private evaluate(ctx: OperatorCtx): void {
    const now = ctx.now;
    this.p.steps.forEach((step, i) => {
      if (this.firedUs[i] !== null) return;
      const ready = step.requires === null || this.p.steps.some((s, j) => s.name === step.requires && this.firedUs[j] !== null);
      if (!ready || !step.conditions.every((c) => this.holds(c))) {
        this.heldFromUs[i] = null;
        return;
      }
      const from = this.heldFromUs[i] ?? now;
      this.heldFromUs[i] = from;
      if (now - from < step.holdUs) return;
      this.firedUs[i] = now;
      const trigger = triggerText(step, from);
      for (const action of step.actions) this.commit(action, now + step.delayUs, trigger, ctx);
    });
  }

  /** Sends what `action` does so that it takes effect at `atUs` (plus the link's latency). */
  private commit(action: string, atUs: number, trigger: string, ctx: OperatorCtx): void {
    const aheadUs = atUs - ctx.now;
    assert(aheadUs >= 0, `action '${action}' at ${atUs}µs is in the past (now ${ctx.now}µs)`);
    for (const d of this.p.deliveries[action] as readonly Delivery[]) {
      if (d.announce) {
        const announced: Message & { readonly afterUs: number } = { ...d.msg, afterUs: aheadUs };
        ctx.send(d.to, announced);
      } else {
        ctx.sendAfter(aheadUs, d.to, d.msg);
      }
    }
    if (atUs <= this.p.endUs) ctx.after(aheadUs, { kind: 'operator-act', action, trigger });
  }
}

function seconds(us: number | null): number | null {
  return us === null ? null : usToSeconds(us);
}

function triggerText(step: TriggerStep, heldFromUs: number): string {
  const when = step.conditions.map(describeCondition).join(' and ');
  return `${step.name}: ${when} for ${usToSeconds(step.holdUs)} s (held since ${usToSeconds(heldFromUs)} s), then ${usToSeconds(step.delayUs)} s to act`;
}
