// The X.509 library, loaded once with what it needs: the reflect polyfill its dependency
// injection requires, and Node's WebCrypto as its crypto provider. Import X.509 from here only.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
