/**
 * Imported first by tests that load contracts. fabric-contract-api logs every decorator at INFO
 * when a contract class loads, and every failed transaction at ERROR, including the failures a
 * test provokes on purpose. It reads the level from CORE_CHAINCODE_LOGGING_LEVEL (the variable a
 * Fabric peer sets for its chaincode) as each logger is created; CRITICAL, the highest, silences
 * both. Set the variable yourself to see the shim's logs while debugging a test.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
