import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BlockPage, BlockParams, BlocksQuery, BlockView, NetworkOverview, TransactionPage, TransactionParams, TransactionsQuery, TransactionView } from '../explorer-schemas';
import { responses } from '../schemas';
import type { GatewayServices } from '../services';

/** The explorer's read-only views of the network, its blocks and its transactions. */
export function explorerRoutes({ explorer }: GatewayServices): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/v1/network', {
      schema: {
        operationId: 'getNetworkOverview',
        tags: ['explorer'],
        summary: 'The network at a glance: departments, peers and orderers with their health, block height, transactions per minute',
        response: responses({ 200: NetworkOverview }, [401, 403]),
      },
    }, async () => explorer.overview());

    app.get('/api/v1/blocks', {
      schema: {
        operationId: 'listBlocks',
        tags: ['explorer'],
        summary: 'Blocks, newest first, keyset-paged by block number',
        querystring: BlocksQuery,
        response: responses({ 200: BlockPage }, [400, 401, 403, 503]),
      },
    }, async (request) => explorer.blocks(request.query.before === undefined ? undefined : Number(request.query.before), Number(request.query.limit ?? '50')));

    app.get('/api/v1/blocks/:number', {
      schema: {
        operationId: 'getBlock',
        tags: ['explorer'],
        summary: 'A block and its transactions, decoded',
        params: BlockParams,
        response: responses({ 200: BlockView }, [400, 401, 403, 404, 503]),
      },
    }, async (request) => explorer.block(Number(request.params.number)));

    app.get('/api/v1/transactions', {
      schema: {
        operationId: 'listTransactions',
        tags: ['explorer'],
        summary: 'Transactions, newest first, keyset-paged by position',
        querystring: TransactionsQuery,
        response: responses({ 200: TransactionPage }, [400, 401, 403, 503]),
      },
    }, async (request) => {
      const [block, index] = (request.query.before ?? '').split('.').map(Number);
      return explorer.transactions(request.query.before === undefined ? undefined : { block: block!, index: index! }, Number(request.query.limit ?? '50'));
    });

    app.get('/api/v1/transactions/:transactionId', {
      schema: {
        operationId: 'getTransaction',
        tags: ['explorer'],
        summary: 'A transaction decoded: contract and function, endorsements and whether they verify, validation code, keys read and written, and its SM2 seal checked',
        params: TransactionParams,
        response: responses({ 200: TransactionView }, [400, 401, 403, 404, 503]),
      },
    }, async (request) => explorer.transaction(request.params.transactionId));
  };
}
