/** `rdhooks/emulator`: the local RD Station API emulator, for testing code that uses rdhooks or RD's webhook API. */
export { startEmulator, EMULATOR_CREDENTIALS, type EmulatorHandle, type EmulatorOptions, type Faults } from '../emulator/server.js';
export { EmulatorStore } from '../emulator/store.js';
