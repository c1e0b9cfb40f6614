import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { cors } from '../../shared/wiring/cors';
import type { FunctionName } from '../../shared/wiring/functions';
import { routes } from '../../shared/wiring/routes';
import type { AppConfig } from './config';
import type { StatefulResources } from './stateful-stack';

export interface ApiStackProps extends StackProps {
  readonly config: AppConfig;
  readonly stateful: StatefulResources;
  /** The stateless stack's functions: the routes' integrations and invoke permissions refer to them across stacks. */
  readonly functions: Readonly<Record<FunctionName, lambda.IFunction>>;
}

const logRetention = logs.RetentionDays.ONE_MONTH;
// Steady-state and burst limits for the whole API; a runaway client cannot run up the Lambda bill.
const apiThrottle = { rateLimit: 50, burstLimit: 100 };

/**
 * The HTTP API: one route per route table entry, the JWT authorizer, one integration and one invoke
 * permission per function, the logged and throttled default stage. A stack of its own because its
 * 190-odd resources took the stateless stack to CloudFormation's 500; it depends on the stateless
 * stack (function ARNs) and the stateful one (the user pool), never the other way round.
 */
export class ApiStack extends Stack {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly routes: ReadonlyMap<string, apigwv2.HttpRoute>;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config, stateful } = props;
    this.api = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'Progress claims API',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [config.frontendOrigin],
        allowMethods: cors.allowMethods.map((method) => apigwv2.CorsHttpMethod[method]),
        allowHeaders: [...cors.allowHeaders],
        exposeHeaders: [...cors.exposeHeaders],
        maxAge: Duration.seconds(cors.maxAgeSeconds),
      },
    });
    const accessLogs = new logs.LogGroup(this, 'HttpApiAccessLogGroup', { retention: logRetention });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: apiThrottle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    const authorizer = new HttpUserPoolAuthorizer('CognitoAuthorizer', stateful.userPool, {
      userPoolClients: [stateful.userPoolClient],
    });
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
      const [httpRoute] = this.api.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: integrationFor(route.function),
        authorizer: route.auth === 'jwt' ? authorizer : new apigwv2.HttpNoneAuthorizer(),
      });
      if (!httpRoute) throw new Error(`No route created for ${route.operationId}`);
      apiRoutes.set(route.operationId, httpRoute);
    }
    this.routes = apiRoutes;

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url });
  }
}
