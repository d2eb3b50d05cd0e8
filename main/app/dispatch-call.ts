// The single entry point for calls from a renderer, over Electron IPC or the browser host's
// WebSocket: the method must be one the contract names, and its arguments must match the
// contract's schema, before any handler runs. Failures are real errors with a message.

import { Ajv, type ValidateFunction } from 'ajv';
import { ARGUMENT_SCHEMAS, type ApiCalls, type ApiMethod } from '../../contract/api.js';

const ajv = new Ajv({ allErrors: false, strict: false });
const validators = Object.fromEntries(Object.entries(ARGUMENT_SCHEMAS).map(([m, schema]) => [m, ajv.compile(schema)])) as Record<ApiMethod, ValidateFunction>;

export class CallError extends Error {
  override name = 'CallError';
}

export type CallHandlers = { [M in keyof ApiCalls]: (...args: Parameters<ApiCalls[M]>) => Promise<ReturnType<ApiCalls[M]>> };

export async function dispatchCall(handlers: CallHandlers, method: unknown, args: unknown): Promise<unknown> {
  if (typeof method !== 'string' || !Object.hasOwn(validators, method)) throw new CallError(`Unknown call ${JSON.stringify(method)}.`);
  const validate = validators[method as ApiMethod];
  if (!validate(args)) {
    const e = validate.errors?.[0];
    throw new CallError(`Invalid arguments for ${method}: ${e ? `${e.instancePath || 'arguments'} ${e.message}` : 'rejected'}.`);
  }
  const handler = handlers[method as ApiMethod] as (...a: unknown[]) => Promise<unknown>;
  return handler(...(args as unknown[]));
}
