import {
  type FunctionDefinition,
  type FunctionName,
  functions,
  type QueueDefinition,
  type QueueName,
  queues,
} from '@basis/shared';

/** The topology's functions as typed `[name, definition]` pairs (Object.entries widens the key to string). */
export function functionEntries(): [FunctionName, FunctionDefinition][] {
  return Object.entries(functions) as [FunctionName, FunctionDefinition][];
}

/** The topology's queues as typed `[name, definition]` pairs. */
export function queueEntries(): [QueueName, QueueDefinition][] {
  return Object.entries(queues) as [QueueName, QueueDefinition][];
}
