// A worker_threads entry: one partition of a distributed run. It decodes the coordinator's call
// payloads itself and encodes its replies, so the worker's main thread only moves bytes and stays
// free for NATS (heartbeats, jobs).
import { decodeCheckpoint, decodeValue, encodeValue, loadModel, PartitionHost } from '@cascade/runtime';
import { parentPort, workerData } from 'node:worker_threads';
import { errorText, type HostOp, type HostThreadData, type ThreadCall, type ThreadReply } from './protocol.js';

const data = workerData as HostThreadData;
const port = parentPort;
if (port === null) throw new Error('host-thread.js runs as a worker thread only');

const ready = loadModel(data).then((model) => new PartitionHost(model, data.index, data.partitions, data.placement));
ready.catch(() => undefined);

function perform(host: PartitionHost, op: HostOp): unknown {
  switch (op.op) {
    case 'init':
      return host.init();
    case 'restore':
      return host.restore(decodeCheckpoint(op.checkpoint));
    case 'step':
      return host.step(op.incoming, op.windowEndUs, op.maxEvents);
    case 'save':
      return host.save();
    case 'result':
      return host.result(op.endUs);
    default: {
      const never: never = op;
      throw new Error(`unknown host operation ${JSON.stringify(never)}`);
    }
  }
}

port.on('message', (call: ThreadCall) => {
  ready
    .then((host) => {
      const payload = encodeValue(perform(host, decodeValue(call.payload, 'host call') as HostOp));
      const reply: ThreadReply = { id: call.id, ok: true, payload };
      port.postMessage(reply, [payload.buffer as ArrayBuffer]);
    })
    .catch((error: unknown) => {
      const reply: ThreadReply = { id: call.id, ok: false, error: errorText(error) };
      port.postMessage(reply);
    });
});
