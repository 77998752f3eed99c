/**
 * A connection's `options`: each strategy's defaults and the rules the JSON schema cannot express
 * live in its file under strategies/. Options are replaced whole on update (as Auth0 documents), so
 * the defaults are applied to every new options object, not only at creation.
 */
import type { ConnectionOptions, Strategy } from './connection.js';
import { registeredStrategy } from './strategies/registry.js';
import type { OptionsContext } from './strategies/login-strategy.js';

export function buildOptions(strategy: Strategy, connectionName: string, input: ConnectionOptions, context: OptionsContext): ConnectionOptions {
  return registeredStrategy(strategy).buildOptions(connectionName, input, context);
}
