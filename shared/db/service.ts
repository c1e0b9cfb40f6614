import { Service } from 'electrodb';
import { dynamoDocumentClient } from '../aws/clients';
import { config } from '../config';
import { entities } from './table';

let service: Service<typeof entities> | undefined;

/** The ElectroDB service bound to the configured table and the shared DynamoDB client. */
export function db() {
  service ??= new Service(entities, { table: config.tableName, client: dynamoDocumentClient() });
  return service.entities;
}
