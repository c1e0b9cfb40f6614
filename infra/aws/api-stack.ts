import { Stack, type StackProps } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { FunctionName } from '../../shared/wiring/functions';
import { routes } from '../../shared/wiring/routes';

export interface ApiStackProps extends StackProps {
  /** The API's JWT authorizer (the stateless stack's, beside the API). */
  readonly authorizer: apigwv2.IHttpRouteAuthorizer;
  /** The API itself (its URL and stage) stays in the stateless stack, so moving the routes here left its URL as it was. */
  readonly httpApi: apigwv2.IHttpApi;
  /** The stateless stack's functions: the routes' integrations and invoke permissions refer to them across stacks. */
  readonly functions: Readonly<Record<FunctionName, lambda.IFunction>>;
}

/**
 * The HTTP API's routes: one route per route table entry, the JWT authorizer, one integration and
 * one invoke permission per function. A stack of its own because these 180-odd resources took the
 * stateless stack to CloudFormation's 500; it depends on the stateless stack (the API, its JWT
 * authorizer, function ARNs), never the other way round. The API, its authorizer and its logged,
 * throttled stage stay in the stateless stack: its URL did not change when the routes moved.
 */
export class ApiStack extends Stack {
  readonly routes: ReadonlyMap<string, apigwv2.HttpRoute>;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { authorizer } = props;
    // One integration per function, shared by all of its routes.
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const integrationFor = (name: FunctionName) => {
      let integration = integrations.get(name);
      if (!integration) {
        // One invoke permission per function for the whole API, not one per route: 100+ per-route
        // permissions would cost a resource each against CloudFormation's 500 (the function checks its route).
        // The permission is made in this stack (the route's scope), so the stateless stack never refers to the API.
        integration = new HttpLambdaIntegration(`${name}Integration`, props.functions[name], { scopePermissionToRoute: false });
        integrations.set(name, integration);
      }
      return integration;
    };
    const apiRoutes = new Map<string, apigwv2.HttpRoute>();
    for (const route of routes) {
      const httpRoute = new apigwv2.HttpRoute(this, `${route.operationId}Route`, {
        httpApi: props.httpApi,
        routeKey: apigwv2.HttpRouteKey.with(route.path, apigwv2.HttpMethod[route.method]),
        integration: integrationFor(route.function),
        authorizer: route.auth === 'jwt' ? authorizer : new apigwv2.HttpNoneAuthorizer(),
      });
      apiRoutes.set(route.operationId, httpRoute);
    }
    this.routes = apiRoutes;
  }
}
