"""Where items come from: uploaded documents, git repositories, Confluence and Jira REST APIs."""
