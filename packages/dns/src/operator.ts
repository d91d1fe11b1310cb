// The human operator of the 2025 night: at `operator.dnsRepairAt` restores the emptied records
// by hand, which also clears the inconsistent state that blocked the enactors.
import type { Actor, ActorId, Context } from '@cascade/kernel';
import type { Route53In } from './messages.js';

export class DnsOperator implements Actor<never, Route53In> {
  constructor(
    private readonly route53: ActorId,
    private readonly repairAtUs: number | null,
  ) {}

  init(ctx: Context<never, Route53In>): void {
    if (this.repairAtUs !== null) ctx.sendAfter(this.repairAtUs, this.route53, { kind: 'repair' });
  }

  receive(message: never): void {
    throw new Error(`the DNS operator takes no messages, got '${String((message as { kind: unknown }).kind)}'`);
  }
}
